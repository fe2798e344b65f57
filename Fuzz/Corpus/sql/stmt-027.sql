SELECT paid, count(*), sum(price) FROM o GROUP BY paid;
