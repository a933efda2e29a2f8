"""Kong plugins and routes as every Kong-speaking target writes them: the decK file of target
`kong` and the KongPlugin objects of target `k8s` with the Kong controller.

Not a target (it is registered nowhere): the plugin configurations, the regex paths with
their `regex_priority`, and the path rewrites are Kong's syntax for the plan's decisions, and
two targets print them. It reads the model and the plan only, and no target.
"""
