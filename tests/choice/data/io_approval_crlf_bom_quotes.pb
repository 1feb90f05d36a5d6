META
key;value
description;"Barrio ""La Unión""; ronda 1"
country;Venezuela
unit;Caracas
instance;2025
num_projects;4
num_votes;5
budget;1000.50
vote_type;approval
rule;greedy
max_length;3
min_length;1
comuna_extra_key;kept as is
PROJECTS
project_id;cost;votes;name;category;selected
p1;500.0;4;Cancha de fútbol;deporte,salud;1
p2;250.25;3;"Biblioteca; sala de lectura";educación;1
p3;400;2;Mercado "popular";;0
10;100;1;Árboles ñandú;ambiente;0
VOTES
voter_id;vote;age;sex
v1;p1,p2,p3;34;F
v2;p1,p2;;M
v3;p1;70;
v4;p1,p2,10;15;F
v5;p3;22;M
