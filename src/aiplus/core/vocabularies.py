"""Vocabularies more than one module uses, written once: a dataset and a model speak of the same modalities."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Modality(models.TextChoices):
    """What kind of content: a dataset's (datahub) or what a model takes and produces (algorithms)."""

    TEXT = "text", _("文本")
    IMAGE = "image", _("图像")
    AUDIO = "audio", _("音频")
    VIDEO = "video", _("视频")
    CODE = "code", _("代码")
    TABULAR = "tabular", _("表格")
    MULTIMODAL = "multimodal", _("多模态")
    OTHER = "other", _("其他")
