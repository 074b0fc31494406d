"""The report PDF's category bars leave room for every category's name, in every language vadesk speaks."""

import pytest
from django.utils import translation

from vadesk.reports.pdf import CATEGORY_LABEL_WIDTH
from vadesk.tasks.models import Category

PIXELS_PER_CHARACTER = 7  # generous for a 12 px sans-serif (Liberation Sans averages about 6)


@pytest.mark.parametrize("language", ["nl", "de", "en"])
def test_every_category_name_fits_its_label_column(language):
    with translation.override(language):
        names = [str(label) for label in Category.labels]
    too_long = [name for name in names if len(name) * PIXELS_PER_CHARACTER > CATEGORY_LABEL_WIDTH]
    assert too_long == []
