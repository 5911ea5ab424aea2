"""Reading sessions back: the history and its filters, the chart figures and the exports."""
