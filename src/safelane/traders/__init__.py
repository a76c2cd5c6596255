"""Trusted traders: the operator registry, authorisations with their history, mutual recognition, facilitation.

An Authorised Economic Operator (or a partner programme's member under a mutual recognition arrangement) gets
fewer and lighter controls, judged by the status its authorisation had when the consignment was filed.
Facilitation is an input to selection, never a way around a strong screening hit, a DNL or a mandatory floor.
"""
