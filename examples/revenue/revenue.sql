-- Revenue per minute and category, emitted once per window when it closes (EMIT FINAL).
--   npx eddy run examples/revenue/revenue.sql --in-memory --output table \
--     --load shop_orders=examples/revenue/orders.jsonl
--
-- Event time is the order_time column, so the windows follow the data, not the wall clock.
-- A window closes once stream time passes its end plus the grace period: the last minute of
-- the data stays open (no later order closes it), so it is not printed.

CREATE STREAM shop_orders (
    order_id BIGINT KEY,
    product STRING,
    category STRING,
    quantity INT,
    unit_price DECIMAL(6, 2),
    order_time BIGINT
  ) WITH (kafka_topic='shop_orders', value_format='json', partitions=1, timestamp='order_time');

CREATE TABLE revenue_per_minute AS
  SELECT category,
         COUNT(*) AS orders,
         SUM(quantity) AS items,
         SUM(quantity * unit_price) AS revenue
  FROM shop_orders
  WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS)
  GROUP BY category
  EMIT FINAL;

-- One row per closed window and category.
SELECT category,
       TIMESTAMPTOSTRING(WINDOWSTART, 'HH:mm', 'UTC') AS minute,
       orders, items, revenue
  FROM revenue_per_minute
  EMIT CHANGES;
