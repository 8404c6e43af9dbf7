"""The shape of a survey form (pydantic): a 5-point scale, one required overall question, a few
optional aspects, an optional comment. Stored as JSON on a `SurveyForm` version."""

from pathlib import Path
from typing import Annotated

import yaml
from django.utils.translation import get_language
from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_FILE = Path(__file__).parent / "data" / "default-survey.yaml"
SCALE = (1, 2, 3, 4, 5)
# "Satisfied" means 4 (satisfied) or 5 (very satisfied) on the 5-point scale. Written on the pages.
SATISFIED_MIN = 4

Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")]
Text = Annotated[str, Field(min_length=1, max_length=300)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localised(Strict):
    vi: Text
    en: Text

    def text(self) -> str:
        return self.en if get_language() == "en" else self.vi


class ScalePoint(Localised):
    value: Annotated[int, Field(ge=1, le=5)]


class Question(Localised):
    code: Code
    overall: bool = False
    indicator: Annotated[str, Field(max_length=40)] | None = None


class Definition(Strict):
    code: Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9-]+$")]
    version: Annotated[int, Field(ge=1)]
    program: Text
    name: Text
    name_en: Text
    scale: list[ScalePoint]
    questions: Annotated[list[Question], Field(min_length=1, max_length=8)]
    comment: Localised

    @model_validator(mode="after")
    def one_overall_and_a_full_scale(self):
        if tuple(point.value for point in self.scale) != SCALE:
            raise ValueError("the scale must list the values 1 to 5 in order")
        if sum(q.overall for q in self.questions) != 1:
            raise ValueError("exactly one question must be the overall question")
        codes = [q.code for q in self.questions]
        if len(set(codes)) != len(codes):
            raise ValueError("question codes must be unique")
        return self

    @property
    def overall(self) -> Question:
        return next(q for q in self.questions if q.overall)

    @property
    def aspects(self) -> list[Question]:
        return [q for q in self.questions if not q.overall]

    def localised_name(self) -> str:
        return self.name_en if get_language() == "en" else self.name


def read_definition(path: Path = DEFAULT_FILE) -> Definition:
    return Definition.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
