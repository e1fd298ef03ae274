from celery import shared_task


@shared_task
def scan_edi_folders_task():
    """Beat: the raccordements EDI's inbound folders are read and their outbound ones written."""
    from api.edi import scan_edi_folders

    return scan_edi_folders()
