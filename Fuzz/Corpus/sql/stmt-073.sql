COPY region FROM '${TPCH_DATA}/region.tbl';
