-- Most viewed posts since a date, for the editors' dashboard.
SELECT p.id AS post_id,
       p.title,
       p.slug,
       CAST(SUM(v.views) AS integer) AS total_views
FROM post_views v
JOIN posts p ON p.id = v.post_id
WHERE v.day >= :since
GROUP BY p.id, p.title, p.slug
ORDER BY total_views DESC
LIMIT :maxResults;
