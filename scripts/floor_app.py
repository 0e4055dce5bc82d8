"""The bare-Streamlit "floor" app: one slider, one small Plotly chart, one metric.

It is the yardstick of issue 9: whatever Streamlit itself costs per move (session handling,
the script runner, sending a chart) with nothing of ours on top. The load test
(scripts/loadtest.py) and the browser benchmark (scripts/bench_browser.py) run it beside the
lesson pages, with the same settings (.streamlit/config.toml), and report each page as a
multiple of it. Run alone with: .venv/bin/streamlit run scripts/floor_app.py
"""

import math

import plotly.graph_objects as go
import streamlit as st

x = st.slider("x", -10.0, 10.0, 0.0, step=0.01, key="x")
p = 1.0 / (1.0 + math.exp(-x))
st.metric(f"sigmoid({x:.2f})", f"{p:.4f}")
figure = go.Figure(go.Bar(x=["p", "1 − p"], y=[p, 1.0 - p]))
figure.update_layout(height=240, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                     yaxis={"range": [0, 1]})
st.plotly_chart(figure, key="chart")
