SELECT quantile_cont(ms, id) FROM queries;
