META
key;value
description;Golden instance for every PB rule: cumulative ballots, points against votes against supporters per cost
country;Nowhere
unit;Test
instance;rules_golden_cumulative
num_projects;3
num_votes;3
budget;11
vote_type;cumulative
expected_greedy-points;y,z
expected_greedy-cost;x
expected_greedy-card;y,z
expected_greedy-threshold;x
expected_mes-points;y
expected_mes-cost;y
expected_mes-card;y
expected_mes-cost-complete;y,z
PROJECTS
project_id;cost;name
x;10;Project x
y;2;Project y
z;9;Project z
VOTES
voter_id;vote;points
1;x;5
2;x,z;5,1
3;y;3
