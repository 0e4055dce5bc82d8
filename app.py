"""Cross-Entropy Lab: the entry point. Run with ``streamlit run app.py``.

Builds the navigation, hosts what every page shares (the log-base selector and the
classroom note), and writes the running page's state into the URL after it has drawn.
"""

import streamlit as st

from ui import url_state
from ui.presenter import presenter_toggle, sidebar_state, style_page
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
]

CLASSROOM_NOTE = """
- **Students on the same network**: start the app with
  `make run ARGS="--server.address 0.0.0.0"` and give them the *Network URL* it prints
  (`http://<this laptop's address>:8501`); the firewall must let port 8501 in.
- Every input is in the page's link: set up an example, then *Copy link to this state*
  and send it. Whoever opens it sees the same inputs. Reloading keeps them too.
- *Presenter mode* (above) enlarges text and charts for a projector; its link carries it.
- *Reset to the lesson's example* brings back the numbers from the lesson.
- Switch the log base to log₁₀ to match the fast.ai spreadsheet, or ln to match PyTorch.
- Light or dark: the menu ⋮ (top right) → System, Light or Dark. Charts follow it.
"""

url_state.start_shell(SHARED_FIELDS)
st.set_page_config(page_title="Cross-Entropy Lab", page_icon=":material/functions:", layout="wide",
                   initial_sidebar_state=sidebar_state())
navigation = st.navigation(PAGES)
style_page()
with st.sidebar:
    log_base_selector()
    presenter_toggle()
    with st.expander(":material/school: Using this in class"):
        st.markdown(CLASSROOM_NOTE)
navigation.run()
url_state.end_run(SHARED_FIELDS)
