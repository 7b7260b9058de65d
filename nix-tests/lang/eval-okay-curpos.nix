[ __curPos
  (__curPos).line
      __curPos.column ]
