-- Revenue per calendar day in a closed date range.
SELECT CAST(o.placed_at AS date) AS day,
       CAST(COUNT(*) AS integer) AS orders,
       CAST(SUM(o.total_cents) AS integer) AS revenue_cents
FROM orders o
WHERE CAST(o.placed_at AS date) BETWEEN :fromDay AND :toDay
  AND o.status IN ('paid', 'packed', 'shipped', 'delivered')
GROUP BY CAST(o.placed_at AS date)
ORDER BY day;
