META
key;value
description;choose-1, blank lines, and no newline at the end of the file
budget;50000
vote_type;choose-1
max_length;1
min_length;1

PROJECTS
project_id;cost;votes
A1;20000;2
B2;35000;1

VOTES
voter_id;vote
1;A1

2;B2
3;A1