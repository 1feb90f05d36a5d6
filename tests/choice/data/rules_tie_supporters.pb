META
key;value
description;Two projects tied on points, the city funding the one with more supporters (as Katowice 2025 Kostuchna: L21/08/XII over L21/05/XII at 96 points, 62 supporters against 53)
country;Nowhere
unit;Test
instance;rules_tie_supporters
num_projects;3
num_votes;8
budget;100
vote_type;cumulative
rule;greedy-threshold
max_sum_points;3
min_project_score_threshold;1
PROJECTS
project_id;cost;name;selected
L21/01/XII;30;Top project;1
L21/05/XII;60;Tied, 2 supporters;0
L21/08/XII;60;Tied, 3 supporters;1
VOTES
voter_id;vote;points
1;L21/01/XII;3
2;L21/01/XII;3
3;L21/01/XII;3
4;L21/05/XII;3
5;L21/05/XII;3
6;L21/08/XII;2
7;L21/08/XII;2
8;L21/08/XII;2
