-- Orders, filtered and reshaped as they arrive: runs today on the embedded engine.
--   npx eddy run examples/orders.sql
-- Topics, streams and the persistent query are kept in ./.eddy: run it again and the query
-- picks up where it stopped (new INSERTs are processed, old ones are not repeated).

CREATE STREAM IF NOT EXISTS orders (id BIGINT KEY, customer STRING, amount DECIMAL(8, 2), city STRING)
  WITH (kafka_topic='orders', value_format='json', partitions=1);

CREATE STREAM IF NOT EXISTS big_orders AS
  SELECT id, UCASE(customer) AS customer, amount, amount * 0.2 AS vat, city
  FROM orders
  WHERE amount > 100
  EMIT CHANGES;

INSERT INTO orders (id, customer, amount, city) VALUES (1, 'ada', 250.00, 'London');
INSERT INTO orders (id, customer, amount, city) VALUES (2, 'grace', 20.50, 'New York');
INSERT INTO orders (id, customer, amount, city) VALUES (3, 'alan', 130.10, 'Manchester');

-- A push query over the sink: every row the persistent query wrote.
SELECT * FROM big_orders EMIT CHANGES LIMIT 10;

DESCRIBE big_orders;
