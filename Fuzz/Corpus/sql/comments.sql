-- a comment
/* block */ SELECT 1 /* tail */; SELECT "quoted "" id" FROM t -- end