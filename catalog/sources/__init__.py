"""Clients of the services that know about papers: arXiv, OpenReview and Semantic Scholar.

Each client takes its base URL and limits as arguments, asks in batches, and yields one `Batch` per request:
what the source found, the ids it says it does not know, and the ids it did not answer for (and why).
"""
