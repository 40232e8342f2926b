def sidebar_navigation(request):
    return []
