-- Best sellers since a given day (cancelled and refunded orders excluded).
SELECT p.id AS product_id,
       p.name,
       CAST(SUM(i.quantity) AS integer) AS units_sold,
       CAST(SUM(i.quantity * i.unit_price_cents - i.discount_cents) AS integer) AS revenue_cents
FROM order_items i
JOIN orders o ON o.id = i.order_id
JOIN product_variants v ON v.id = i.variant_id
JOIN products p ON p.id = v.product_id
WHERE o.placed_at >= :since
  AND o.status NOT IN ('cancelled', 'refunded')
GROUP BY p.id, p.name
ORDER BY units_sold DESC
LIMIT :maxResults;
