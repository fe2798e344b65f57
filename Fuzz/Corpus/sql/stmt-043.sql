SELECT log(1, 10);
