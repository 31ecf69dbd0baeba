"""Stories in the warehouse: what a batch's assignment reads (the window's stories, the memberships it may
move, term rarity), and how it is stored, in the batch's load transaction.

The assignment itself is `transforms.stories.assign_stories`. It depends only on the batch's rows and the
stories stored before it, so a rebuild that loads the lake's batches in order assigns them again to the
same stories (stories are recomputed, not kept in the lake).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from transforms import stories as story_transform
from transforms.stories import StoryAssignment, StoryParameters
from warehouse.batches import BatchTables
from warehouse.statements import registered, statements

STORIES = "stories"


def assign(con: duckdb.DuckDBPyConnection, tables: BatchTables, parameters: StoryParameters) -> StoryAssignment:
    """Assign the batch's articles (those `tables` loads) to stories, against the stories stored so far."""
    sql = statements(STORIES)
    articles = tables.articles
    times = pa.table({"published_at": articles.column("published_at").drop_null()})
    with registered(con, batch_articles=articles, batch_story_times=times):
        candidates = con.sql(sql["candidates"], params={"window_seconds": parameters.window_seconds}).to_arrow_table()
        members = con.sql(sql["members"]).to_arrow_table()
    ((n_documents,),) = con.execute(sql["n_documents"]).fetchall()

    def stored_term_counts(terms: list[str]) -> dict[str, int]:
        with registered(con, batch_terms=pa.table({"term": pa.array(terms, type=pa.string())})):
            return dict(con.execute(sql["term_counts"]).fetchall())

    return story_transform.assign_stories(
        articles, tables.mentions, candidates, members, stored_term_counts, n_documents, parameters
    )


def store(con: duckdb.DuckDBPyConnection, assignment: StoryAssignment, run_id: str, batch_key: str) -> None:
    """Write an assignment (call inside the batch's load transaction, after its articles and mentions)."""
    sql = statements(STORIES)
    relations = {
        "batch_story_articles": assignment.story_articles,
        "batch_stories": assignment.stories,
        "batch_story_merges": assignment.merges,
        "batch_story_deleted": assignment.deleted,
        "batch_story_terms": assignment.terms,
    }
    with registered(con, **relations):
        con.execute(sql["apply_merges"])
        con.execute(sql["delete_story_articles"])
        con.execute(sql["insert_story_articles"], {"run_id": run_id})
        con.execute(sql["delete_stories"])
        con.execute(sql["insert_merges"], {"run_id": run_id, "batch_key": batch_key})
        con.execute(sql["upsert_stories"], {"run_id": run_id, "top_entities": story_transform.STORY_ENTITIES})
        con.execute(sql["add_terms"])
