-- A small pipeline: sources, a stream-table join, a windowed aggregate.
CREATE STREAM orders (
  id BIGINT KEY,
  customer_id INT,
  amount DECIMAL(10, 2),
  items ARRAY<STRUCT<sku STRING, qty INT>>,
  `Notes` MAP<STRING, STRING>
) WITH (kafka_topic = 'orders', value_format = 'JSON', partitions = 3, timestamp = 'ts');

CREATE TABLE customers (id INT PRIMARY KEY, name STRING, region VARCHAR)
  WITH (kafka_topic = 'customers', format = 'JSON');

CREATE STREAM enriched WITH (kafka_topic = 'enriched') AS
  SELECT o.id, c.name AS customer, o.amount * 1.1 AS gross, o.items[1]->sku AS first_sku
  FROM orders o
  LEFT JOIN customers c ON o.customer_id = c.id
  WHERE o.amount > 0 AND c.region IN ('EU', 'US')
  PARTITION BY o.id
  EMIT CHANGES;

CREATE TABLE revenue AS
  SELECT customer, WINDOWSTART AS ws, SUM(gross) AS total, COUNT(*) AS n
  FROM enriched
  WINDOW TUMBLING (SIZE 1 HOUR, RETENTION 7 DAYS, GRACE PERIOD 10 MINUTES)
  GROUP BY customer
  HAVING SUM(gross) > 100
  EMIT FINAL;

INSERT INTO orders (id, customer_id, amount) VALUES (1, 42, 19.99);
