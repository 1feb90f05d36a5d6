META
key;value
description;Barrio Norte 2025
country;Venezuela
unit;Las Veritas
num_projects;3
num_votes;4
budget;1000
vote_type;approval
rule;greedy
currency;VES
PROJECTS
project_id;cost;name;category
p1;600;Techo de la escuela;education
p2;300;Cancha;sport
p3;250.5;Alumbrado;public space
VOTES
voter_id;vote;age
1;p1,p2;30
2;p2;41
3;p3,p1;25
4;p2,p3;60
