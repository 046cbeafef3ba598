-- One row per order of a customer, newest first, with the number of items in it.
SELECT o.id AS order_id,
       o.order_number,
       o.status,
       o.placed_at,
       CAST(COALESCE(SUM(i.quantity), 0) AS integer) AS item_count,
       o.total_cents
FROM orders o
LEFT JOIN order_items i ON i.order_id = o.id
WHERE o.customer_id = :customerId
GROUP BY o.id, o.order_number, o.status, o.placed_at, o.total_cents
ORDER BY o.placed_at DESC;
