"""Shared pieces of the Streamlit app: colours, URL state, widgets and figure builders.

``xent_core`` computes every number; this package only collects input and draws. Figure
builders in ``ui.figures`` are pure functions (numbers in, Plotly figure out) so tests can
check them without a browser.
"""
