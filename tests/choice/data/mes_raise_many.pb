META
key;value
description;Equal Shares with completion: the per-voter share must be raised five units
budget;100
vote_type;approval
PROJECTS
project_id;cost
A;60
B;45
C;30
VOTES
voter_id;vote
1;A
2;A
3;A,B
4;B,C
