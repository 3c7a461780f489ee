"""The application shell: main window, pages, menus, first paint, start-up and single instance."""
