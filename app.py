"""Cross-Entropy Lab: the entry point. Run with ``streamlit run app.py``.

Builds the navigation, hosts what every page shares (the log-base selector and the
classroom note), and writes the running page's state into the URL after it has drawn.
"""

import streamlit as st

from ui import url_state
from ui.class_session import class_sidebar
from ui.widgets import SHARED_FIELDS, log_base_selector

# Each url_path differs from the name Streamlit's legacy pages/ folder convention would give
# the file ("cat_vs_dog", "mnist", ...): on a freshly started server that convention is still
# consulted once, and a clash would run the page without this shell.
PAGES = [
    st.Page("pages/home.py", title="Start here", icon=":material/route:", default=True,
            url_path="start"),
    st.Page("pages/1_cat_vs_dog.py", title="1 · Cat vs dog", icon=":material/pets:",
            url_path="cat-vs-dog"),
    st.Page("pages/2_five_classes.py", title="2 · Five classes", icon=":material/bar_chart:",
            url_path="five-classes"),
    st.Page("pages/3_pytorch_batch.py", title="3 · The PyTorch batch", icon=":material/grid_on:",
            url_path="pytorch-batch"),
    st.Page("pages/4_mnist.py", title="4 · MNIST digits", icon=":material/draw:",
            url_path="mnist-digits"),
    st.Page("pages/teacher.py", title="Teach: class session", icon=":material/school:",
            url_path="teach"),
]

CLASSROOM_NOTE = """
**Using this in class**
- Every input is in the page's link: set up an example, then *Copy link to this state*
  and send it to students. Reloading keeps it too.
- *Reset to the lesson's example* brings back the numbers from the lesson.
- Switch the log base to log₁₀ to match the fast.ai spreadsheet, or ln to match PyTorch.
"""

st.set_page_config(page_title="Cross-Entropy Lab", page_icon=":material/functions:", layout="wide")
navigation = st.navigation(PAGES)
url_state.start_shell(SHARED_FIELDS)
with st.sidebar:
    log_base_selector()
    class_sidebar()
    st.markdown(CLASSROOM_NOTE)
navigation.run()
url_state.end_run(SHARED_FIELDS)
