"""Who may see which document: the public only published ones; staff (logged in) and API clients with a token
every one, drafts and withdrawn documents too. Anything else is answered as if the document did not exist
(404), so that counting up ids reveals nothing."""

from archive import PUBLISHED, NotFound
from web import security
from web.context import get_archive


def may_see_unpublished() -> bool:
    return security.is_staff() or security.api_token_name() is not None


def document(doc_id: int) -> dict:
    """The document, if the client may see it; NotFound otherwise."""
    doc = get_archive().document(doc_id)
    if doc["publication"] != PUBLISHED and not may_see_unpublished():
        raise NotFound(f"document {doc_id} is not published")
    return doc
