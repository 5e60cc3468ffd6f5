"""Does a review made through the viewer in Notebook 7 reach the sidecar, survive a reload and a delete?"""

import pytest
from viewer_flow import review_flow

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def notebook7(jupyter_server_factory):
    return jupyter_server_factory("notebook")


def test_flag_by_mouse_and_keyboard_reload_and_delete_in_notebook7(notebook7, new_page):
    page, log = new_page()
    review_flow(page, log, notebook7)
