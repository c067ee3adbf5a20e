"""The KRaft cluster id `make up` formats Kafka's storage with. Kafka's storage tool takes an id that
starts with "-" for an option and refuses to format (a fresh checkout failed so, one start in 64): the
rule, as Kafka's own `random-uuid` keeps it, is 16 random bytes in URL-safe base64 without padding and
never a leading "-"."""

from __future__ import annotations

import base64

from stack.kafka import cluster_id


def test_cluster_ids_are_16_random_bytes_and_never_start_with_a_dash():
    ids = [cluster_id() for _ in range(5000)]  # an id starting with "-" comes once in 64 draws
    assert not [i for i in ids if i.startswith("-")]
    assert all(len(base64.urlsafe_b64decode(i + "==")) == 16 for i in ids)
    assert len(set(ids)) == len(ids)
