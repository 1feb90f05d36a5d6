META
key;value
description;Equal Shares: a three-way tie in rho between projects "10", "3" and "9"
budget;100
vote_type;approval
PROJECTS
project_id;cost
9;50
10;50
3;20
VOTES
voter_id;vote
1;10,9
2;10,9
3;3
4;3
