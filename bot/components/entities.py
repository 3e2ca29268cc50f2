"""EntityArbiter: one extractor is the authority for some entity types.

DIETClassifier learns every annotated entity type, so it also tags dossier codes and phone digits, which the
RegexEntityExtractor already finds exactly (it only knows entity types that are annotated in the training data).
Two identical entities in one message would fill slots twice and count as a wrong prediction in test stories.
This component, placed after the extractors, drops the other extractors' entities of the types an authority
owns; by default the RegexEntityExtractor owns `dossier_code` and `phone_last4`.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_TYPE, EXTRACTOR
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class EntityArbiter(GraphComponent):
    """Keeps only the authoritative extractor's entities for the entity types it owns."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"authority": {"RegexEntityExtractor": ["dossier_code", "phone_last4"]}}

    def __init__(self, config: dict[str, Any]) -> None:
        self._owner: dict[str, str] = {}
        for extractor, entity_types in (config.get("authority") or {}).items():
            for entity_type in entity_types:
                self._owner[entity_type] = extractor

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityArbiter:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            kept = [e for e in entities if self._owner.get(e.get(ENTITY_ATTRIBUTE_TYPE)) in (None, e.get(EXTRACTOR))]
            if len(kept) != len(entities):
                message.set(ENTITIES, kept, add_to_output=True)
        return messages
