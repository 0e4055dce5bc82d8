"""Cross-Entropy Lab: the entry point. Run with ``streamlit run app.py`` (or ``make run``).

Builds the navigation from the lesson registry (:mod:`ui.lessons`), hosts what every page
shares (the log-base selector and the classroom note), and writes the running page's state
into the URL and its copy link after the page has drawn.
"""

import streamlit as st

from ui import lesson_state
from ui.class_session import class_sidebar
from ui.lessons import PAGES

CLASSROOM_NOTE = """
**Using this in class**
- Every input is in the page's link: set up an example, then *Copy link to this state*
  and send it to students. Reloading keeps it too.
- *Reset to the lesson's example* brings back the numbers from the lesson.
- Switch the log base to log₁₀ to match the fast.ai spreadsheet, or ln to match PyTorch.
"""

st.set_page_config(page_title="Cross-Entropy Lab", page_icon=":material/functions:", layout="wide")
navigation = st.navigation([
    st.Page(page.file, title=page.title, icon=page.icon, url_path=page.url_path,
            default=page.order == 0)
    for page in PAGES
])
lesson_state.start_shell()
with st.sidebar:
    lesson_state.log_base_selector()
    class_sidebar()
    st.markdown(CLASSROOM_NOTE)
navigation.run()
lesson_state.end_run()
