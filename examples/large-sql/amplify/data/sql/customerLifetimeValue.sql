SELECT c.id AS customer_id,
       c.email,
       CAST(COUNT(o.id) AS integer) AS orders,
       CAST(COALESCE(SUM(o.total_cents), 0) AS integer) AS lifetime_cents,
       MIN(o.placed_at) AS first_order_at,
       MAX(o.placed_at) AS last_order_at
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.id AND o.status <> 'cancelled'
WHERE c.id = :customerId
GROUP BY c.id, c.email;
