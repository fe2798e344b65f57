CREATE TABLE sale (item_id INTEGER, qty INTEGER, mode VARCHAR);
