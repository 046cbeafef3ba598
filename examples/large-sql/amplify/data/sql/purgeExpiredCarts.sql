-- Abandoned carts: their items go with them (ON DELETE CASCADE).
DELETE FROM carts
WHERE customer_id IS NULL
  AND expires_at < :before;
