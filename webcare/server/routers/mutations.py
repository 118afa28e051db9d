"""The client outbox."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from webcare.domain.models import MentionStatus
from webcare.server.deps import Ctx, CurrentUser
from webcare.server.schemas import (
    OP_ID_PATTERN,
    ClientStateOut,
    ErrorOut,
    MutationBatchErrorOut,
    MutationBatchIn,
    MutationBatchOut,
)
from webcare.server.services import mutations

router = APIRouter(prefix="/v1", tags=["outbox"])


@router.post(
    "/mutations",
    response_model=MutationBatchOut,
    responses={
        403: {"model": ErrorOut},
        409: {
            "model": MutationBatchErrorOut,
            "description": "gap or seq_conflict, with the results so far",
        },
        503: {
            "model": MutationBatchErrorOut,
            "description": "Transient (busy or full database): retry after Retry-After seconds;"
            " `results` are the writes applied before it stopped (each write is its own"
            " transaction), the rest were not applied",
        },
    },
)
def post_mutations(body: MutationBatchIn, user: CurrentUser, ctx: Ctx) -> dict[str, Any]:
    """Apply a batch of outbox writes in order (replies, notes, status, tags, priority,
    snoozes)."""
    batch = [
        mutations.Mutation(
            client_seq=m.client_seq,
            op_id=m.op_id,
            type=m.type,
            mention_id=m.mention_id,
            claim_epoch=m.claim_epoch,
            body=m.body,
            template_id=m.template_id,
            status=MentionStatus(m.status) if m.status else None,
            tags=tuple(m.tags) if m.tags is not None else None,
            priority=m.priority,
            media_ids=tuple(m.media_ids or ()),
            private=m.private,
            platform_template=m.platform_template.model_dump()
            if m.platform_template is not None
            else None,
            until=m.until,
            until_customer=m.until_customer,
            undoes=m.undoes,
        )
        for m in body.mutations
    ]
    results = mutations.apply_batch(
        ctx.db, user, body.client_id, batch, ctx.now(), ctx.config.lease_s
    )
    return {"results": results, "last_seq": batch[-1].client_seq}


@router.get(
    "/clients/{client_id}", response_model=ClientStateOut, responses={403: {"model": ErrorOut}}
)
def client_state(
    client_id: Annotated[str, Path(pattern=OP_ID_PATTERN)], user: CurrentUser, ctx: Ctx
) -> dict[str, Any]:
    """The last outbox write number the server applied for this client."""
    return {"client_id": client_id, "last_seq": mutations.client_state(ctx.db, user, client_id)}
