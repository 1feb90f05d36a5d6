META
key;value
description;Ballots that break the file's own limits, as real files have them (counted as cast: a, c)
country;Nowhere
unit;Test
instance;limits_broken
num_projects;3
num_votes;4
budget;10
vote_type;approval
max_sum_cost;10
PROJECTS
project_id;cost;name
a;6;Project a
b;5;Project b
c;4;Project c
VOTES
voter_id;vote
1;a,b
2;a,c
3;b,b
4;c
