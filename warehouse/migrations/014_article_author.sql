-- Authors (issue 24): the author an article's source names (a feed item's author, a page's byline, a dump's
-- `author` column), or NULL when it names none. Articles loaded before this migration have NULL.
ALTER TABLE articles ADD COLUMN author VARCHAR;
