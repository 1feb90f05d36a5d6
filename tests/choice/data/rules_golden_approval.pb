META
key;value
description;Golden instance for every PB rule: approval ballots, a greedy skip, Phragmén's stop, MES completion
country;Nowhere
unit;Test
instance;rules_golden_approval
num_projects;3
num_votes;3
budget;10
vote_type;approval
expected_greedy-cost;a,c
expected_greedy-card;a,c
expected_greedy-threshold;a,c
expected_phragmen;a
expected_mes-cost;a
expected_mes-card;a
expected_mes-cost-complete;a,c
PROJECTS
project_id;cost;name
a;6;Project a
b;5;Project b
c;4;Project c
VOTES
voter_id;vote
1;a,b
2;a,b
3;a,c
