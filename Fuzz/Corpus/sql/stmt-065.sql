SELECT 'a%b' LIKE 'a!%b' ESCAPE '!', 'axb' LIKE 'a!%b' ESCAPE '!', 'a_b' LIKE 'a!_b' ESCAPE '!', 'a!b' LIKE 'a!!b' ESCAPE '!', 'ab' LIKE 'a!b' ESCAPE '!';
