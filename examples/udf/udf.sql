-- User functions from examples/udf/functions.js:
--   eddy run --in-memory --udf examples/udf examples/udf/udf.sql

SHOW FUNCTIONS;
DESCRIBE FUNCTION multiply;

CREATE STREAM orders (id INT KEY, customer VARCHAR, qty INT, price DOUBLE, amount VARCHAR, note VARCHAR)
  WITH (kafka_topic='orders', value_format='json', partitions=1);

INSERT INTO orders (id, customer, qty, price, amount, note) VALUES (1, 'alice', 3, 2.5, '7.50', 'rush order');
INSERT INTO orders (id, customer, qty, price, amount, note) VALUES (2, 'bob', 1, 10.0, 'ten', 'gift wrap please');
INSERT INTO orders (id, customer, qty, price, amount, note) VALUES (3, 'alice', 2, 4.0, '8.00', NULL);

-- Scalar functions, overloads, variadic, lambdas, and a function that throws (order 2: NULL + processing log).
SELECT id,
       MULTIPLY(qty, 2) AS double_qty,
       MULTIPLY(qty, price) AS total,
       JOIN_WORDS('-', customer, note) AS label,
       APPLY_TWICE(qty, x => x * 2) AS quadruple,
       PARSE_AMOUNT(amount) AS parsed
  FROM orders EMIT CHANGES LIMIT 3;

-- A table function.
SELECT id, SPLIT_WORDS(note) AS word FROM orders EMIT CHANGES LIMIT 5;

-- Aggregates.
CREATE TABLE by_customer AS
  SELECT customer, WEIGHTED_AVG(price, qty) AS avg_price, LONGEST(note, 2) AS longest_notes
  FROM orders GROUP BY customer;

SELECT * FROM by_customer EMIT CHANGES LIMIT 3;
