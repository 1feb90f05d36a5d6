META
key;value
num_projects;2
num_votes;1
budget;1000
vote_type;approval
PROJECTS
project_id;cost
p1;600
p2;three hundred
VOTES
voter_id;vote
1;p1
