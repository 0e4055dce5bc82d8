"""Cross-Entropy Lab: the entry point. Run with ``streamlit run app.py`` (or ``make run``).

Builds the navigation from the lesson registry (:mod:`ui.lessons`), hosts what every page
shares (the log-base selector and the classroom note), and writes the running page's state
into the URL and its copy link after the page has drawn.
"""

import streamlit as st

from ui import heap, lesson_state
from ui.assets import install_static
from ui.class_session import class_sidebar
from ui.lessons import PAGES
from ui.presenter import presenter_toggle, sidebar_state, style_page

CLASSROOM_NOTE = """
- **Students on the same network**: for a whole class run `make classroom` (one server
  process per core, listening on the network); for a few, `make run ARGS="--server.address
  0.0.0.0"`. Give students the *Network URL* it prints (`http://<this laptop's address>:8501`);
  the firewall must let port 8501 in.
- Every input is in the page's link: set up an example, then *Copy link to this state*
  and send it. Whoever opens it sees the same inputs. Reloading keeps them too.
- *Presenter mode* (above) enlarges text and charts for a projector; its link carries it.
- *Reset to the lesson's example* brings back the numbers from the lesson.
- Switch the log base to log₁₀ to match the fast.ai spreadsheet, or ln to match PyTorch.
- Light or dark: the menu ⋮ (top right) → System, Light or Dark. Charts follow it.
- *Teach: class session* runs predict-then-reveal questions with the whole class.
"""

install_static()  # once per process: plotly.js and our elements' scripts, served from static/
lesson_state.start_shell()  # first: presenter mode decides how the sidebar opens
st.set_page_config(page_title="Cross-Entropy Lab", page_icon=":material/functions:", layout="wide",
                   initial_sidebar_state=sidebar_state())
navigation = st.navigation([
    st.Page(page.file, title=page.title, icon=page.icon, url_path=page.url_path,
            default=page.order == 0)
    for page in PAGES
])
style_page()
with st.sidebar:
    lesson_state.log_base_selector()
    presenter_toggle()
    class_sidebar()
    with st.expander(":material/school: Using this in class"):
        st.markdown(CLASSROOM_NOTE)
navigation.run()
lesson_state.end_run()
heap.freeze_loaded_objects(navigation.url_path)
