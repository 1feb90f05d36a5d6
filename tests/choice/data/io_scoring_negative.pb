META
key;value
description;scoring ballots may give negative scores
budget;10
vote_type;scoring
min_points;-2
max_points;2
PROJECTS
project_id;cost
x;4
y;6
z;5
VOTES
voter_id;vote;points
a;x,y,z;2,-2,0
b;z;1
