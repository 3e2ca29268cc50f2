"""How a dossier was submitted (kênh nộp), as recorded by the one-stop software."""

from __future__ import annotations

from enum import StrEnum

from procedures_kb.schema import ChannelKind


class DossierChannel(StrEnum):
    IN_PERSON = "truc_tiep"
    ONLINE = "truc_tuyen"
    POST = "buu_chinh"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]

    @property
    def catalogue_kinds(self) -> tuple[ChannelKind, ...]:
        """The catalogue channel kinds this submission channel corresponds to, preferred first."""
        return {
            DossierChannel.IN_PERSON: (ChannelKind.IN_PERSON,),
            DossierChannel.ONLINE: (ChannelKind.ONLINE_FULL, ChannelKind.ONLINE_PARTIAL),
            DossierChannel.POST: (ChannelKind.POST,),
        }[self]


CHANNEL_LABELS: dict[DossierChannel, str] = {
    DossierChannel.IN_PERSON: "Trực tiếp",
    DossierChannel.ONLINE: "Trực tuyến",
    DossierChannel.POST: "Qua dịch vụ bưu chính",
}


def from_catalogue_kind(kind: ChannelKind) -> DossierChannel:
    if kind is ChannelKind.IN_PERSON:
        return DossierChannel.IN_PERSON
    if kind is ChannelKind.POST:
        return DossierChannel.POST
    return DossierChannel.ONLINE
