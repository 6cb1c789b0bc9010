"""`{% result_url hit search_record %}`: a result's link, through the miss log when the search
was recorded."""

from django import template

from kb.misslog import services

register = template.Library()
register.simple_tag(services.result_url, name="result_url")
