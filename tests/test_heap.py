"""ui.heap: the server freezes what each page's first run loaded, once per page."""

import gc

from ui import heap


def test_each_page_freezes_once_and_the_frozen_objects_are_skipped_by_collections():
    gc.unfreeze()
    heap._frozen_after.discard("test-page")
    try:
        assert heap.freeze_loaded_objects("test-page")
        frozen = gc.get_freeze_count()
        assert frozen > 1000  # the interpreter, pytest and the app's modules
        assert not heap.freeze_loaded_objects("test-page")  # its later runs: nothing to do
        assert gc.get_freeze_count() == frozen
    finally:
        heap._frozen_after.discard("test-page")
        gc.unfreeze()
