SELECT * FROM starling.nosuch;
